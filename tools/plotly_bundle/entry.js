// The partial plotly.js bundle the pages load: core (with scatter) plus the trace types our figures use.
// tests/test_plotly_bundle.py checks every figure builder against this list; `make plotly-bundle` rebuilds.
'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/histogram'),
    require('plotly.js/lib/choropleth'),
]);
module.exports = Plotly;
