from shop.settings import config, env

TIMEOUT = env.int("TIMEOUT", 30)
SENTRY_DSN = config("SENTRY_DSN", default="")
