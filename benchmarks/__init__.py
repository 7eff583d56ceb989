"""Speed and memory measurements (not tests): each script prints figures and ratios against a baseline."""
