from decouple import Csv, config
from environs import Env

SECRET_KEY = config("SECRET_KEY")
DEBUG = config("DEBUG", default=False, cast=bool)
ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="localhost", cast=Csv())

env = Env()
env.read_env()
with env.prefixed("DB_"):
    DB_HOST = env.str("HOST")
    DB_PORT = env.int("PORT", 5432)
REDIS_URL = env.url("REDIS_URL", None)
API_TOKEN = env("API_TOKEN")
