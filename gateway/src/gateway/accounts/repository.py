"""Queries of the gateway's accounts: users and machine clients, national (an admin's), never deleted (a
disabled account stays, with its history)."""

from __future__ import annotations

from gateway.accounts.models import ApiClient, UserAccount
from kkb_shared.repository import Repository


class Users(Repository[UserAccount]):
    model = UserAccount
    noun = "user"
    region_column = ""
    soft_deleted = False
    list_key = "username"


class Clients(Repository[ApiClient]):
    model = ApiClient
    noun = "client"
    region_column = ""
    soft_deleted = False
    list_key = "client_id"
