"""Builders for the api tests: plain functions that make what a test needs."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from rest_framework.test import APIClient

from helhet.api import tokens
from helhet.demo.context import DemoContext
from helhet.demo.generate import generate

PASSWORD = "demo-passord-123"


@dataclass
class Demo:
    ctx: DemoContext

    def user(self, login: str):
        return self.ctx.users[login]

    def client(self, login: str) -> APIClient:
        """A client authenticated with the user's personal API token."""
        _token, raw = tokens.issue(self.user(login), "test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        return client


def make_demo(persons: int = 30, seed: int = 11) -> Demo:
    today = timezone.localdate()
    return Demo(generate(persons, seed, PASSWORD, today, lambda _msg: None))


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
