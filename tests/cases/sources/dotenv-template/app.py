import os

DATABASE_URL = os.environ["DATABASE_URL"]
OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
SENTRY_DSN = os.environ["SENTRY_DSN"]
