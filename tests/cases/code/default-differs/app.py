import os

LOG_LEVEL = os.getenv("LOG_LEVEL", "debug")
WORKERS = int(os.environ.get("WORKERS", 2))
DEBUG = os.getenv("DEBUG", False)
TIMEOUT = os.environ.get("TIMEOUT") or "30"
REGION = os.getenv("REGION", default_region())
