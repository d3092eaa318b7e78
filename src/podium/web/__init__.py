"""The HTTP edge: the app, its dependencies, the API dialects and the pages."""
