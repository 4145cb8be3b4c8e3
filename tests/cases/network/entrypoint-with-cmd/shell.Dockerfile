FROM python:3.12-slim
COPY . /app
ENTRYPOINT python /app/serve.py
CMD ["uvicorn", "main:app"]
