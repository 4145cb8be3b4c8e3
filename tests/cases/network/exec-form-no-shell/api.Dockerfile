FROM python:3.12-slim
WORKDIR /srv
COPY . .
ENTRYPOINT ["sh", "-c"]
CMD ["gunicorn -b 0.0.0.0:$PORT app:app"]
