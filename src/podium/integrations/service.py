"""Use cases of API keys: create (the key is shown once), list, disable, authenticate."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from podium.integrations import repository
from podium.integrations.errors import (
    AddressNotAllowed,
    ApiKeyDisabled,
    ApiKeyMissing,
    ApiKeyNotFound,
    ApiKeyUnknown,
)
from podium.kit import ids
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import ApiKey, Event


@dataclass(frozen=True)
class NewApiKey:
    api_key: ApiKey
    key: str  # the only time the full key exists outside the caller's hands


def _normalise_networks(networks: list[str]) -> list[str]:
    normalised = []
    for network in networks:
        try:
            normalised.append(str(ipaddress.ip_network(network.strip(), strict=False)))
        except ValueError as exc:
            raise InvalidInput(
                f'allow-ip: "{network}" is not an IP address or CIDR network (e.g. 203.0.113.0/24)',
                field="allowed_networks",
            ) from exc
    return normalised


async def create_api_key(
    uow: UnitOfWork,
    *,
    event: Event,
    description: str | None = None,
    allowed_networks: list[str] | None = None,
) -> NewApiKey:
    """Create a key for ``event``. Stores its prefix and a hash; returns the key itself once."""
    networks = _normalise_networks(allowed_networks or [])
    prefix, key = ids.new_api_key()
    api_key = ApiKey(
        event_id=event.id,
        prefix=prefix,
        key_hash=ids.hash_api_key(key),
        description=description,
        allowed_networks=networks,
    )
    uow.session.add(api_key)
    await uow.session.flush()
    return NewApiKey(api_key=api_key, key=key)


async def list_api_keys(uow: UnitOfWork, *, event: Event) -> list[ApiKey]:
    return await repository.list_api_keys(uow, event)


async def disable_api_key(uow: UnitOfWork, *, prefix: str) -> ApiKey:
    """Disable the key with ``prefix``; requests with it get 403 from then on. Idempotent."""
    api_key = await repository.find_api_key_by_prefix(uow, prefix)
    if api_key is None:
        raise ApiKeyNotFound(f'There is no API key with the prefix "{prefix}".')
    if api_key.disabled_at is None:
        api_key.disabled_at = utcnow()
        await uow.session.flush()
    return api_key


async def authenticate_api_key(
    uow: UnitOfWork, *, key: str | None, client_ip: str | None, header: str = "API-Key"
) -> Event:
    """The event that ``key`` selects, if the key is known, enabled and used from an allowed
    address; the messages name ``header``, where the caller sent it. Reads only."""
    if not key:
        raise ApiKeyMissing(f"This request needs an API key in the {header} header.")
    prefix = ids.api_key_prefix(key.strip())
    api_key = await repository.find_api_key_by_prefix(uow, prefix) if prefix else None
    if api_key is None or not ids.same_hash(api_key.key_hash, ids.hash_api_key(key.strip())):
        raise ApiKeyUnknown(f"The API key is not valid; check the {header} header.")
    if api_key.disabled_at is not None:
        raise ApiKeyDisabled(
            f"The API key {api_key.prefix}… has been disabled; ask an administrator for a new one."
        )
    if api_key.allowed_networks and not _address_allowed(client_ip, api_key.allowed_networks):
        raise AddressNotAllowed(
            f"The API key {api_key.prefix}… may not be used from the address {client_ip}."
        )
    return api_key.event


def _address_allowed(client_ip: str | None, networks: list[str]) -> bool:
    if client_ip is None:
        return False
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in networks)
