import os
from os import environ as env

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

KEY = "OPENAI_API_KEY"


def setting(name):
    return os.environ[name]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    database_url: str
    stripe_key: SecretStr
    debug: bool = False


api_key = env[KEY]
region = setting("AWS_REGION")
log_level = os.getenv("LOG_LEVEL")
