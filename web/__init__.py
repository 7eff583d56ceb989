"""Web plumbing shared by the pages and the API: cache, error handling, security headers, health."""
