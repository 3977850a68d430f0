"""A real S3 server (moto) on a loopback port for the session, and one bucket per test.

moto speaks the S3 protocol over HTTP like MinIO does; miniopy-async talks to it
unchanged. Tests inspect buckets with boto3, a client independent of the daemon's.
"""

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.infra.ports import free_port

ACCESS_KEY = "clarus-test"
SECRET_KEY = "clarus-test-secret"
REGION = "us-east-1"


@dataclass
class S3Server:
    port: int

    @property
    def endpoint(self) -> str:
        """host:port, as [minio] endpoint wants it."""
        return f"127.0.0.1:{self.port}"

    def minio_settings(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region": REGION,
        }

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=f"http://{self.endpoint}",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request
    server = S3Server(free_port())
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=server.port, verbose=False)
    moto.start()
    try:
        yield server
    finally:
        moto.stop()


@dataclass
class S3Bucket:
    name: str
    client: Any

    def put(self, key: str, data: bytes) -> str:
        """Upload; the object's etag."""
        etag: str = self.client.put_object(Bucket=self.name, Key=key, Body=data)["ETag"]
        return etag.strip('"')

    def get(self, key: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        return body

    def head(self, key: str) -> dict[str, Any]:
        head: dict[str, Any] = self.client.head_object(Bucket=self.name, Key=key)
        return head

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=key)

    def contents(self) -> dict[str, bytes]:
        """Every object, key -> content: the bucket's whole state, for comparisons."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
        return {key: self.get(key) for key in sorted(keys)}

    def empty(self) -> None:
        for key in self.contents():
            self.delete(key)


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> Iterator[S3Bucket]:
    client = s3_server.client()
    bucket = S3Bucket(f"drift-{uuid.uuid4().hex[:12]}", client)
    client.create_bucket(Bucket=bucket.name)
    try:
        yield bucket
    finally:
        bucket.empty()
        client.delete_bucket(Bucket=bucket.name)
