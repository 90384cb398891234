"""The service and the CLI: the only package that knows FastAPI, settings and the environment."""
