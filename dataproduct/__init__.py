"""The data product the HTTP API and the /data page share: query parameters, downloads, the bulk zip."""
