from __future__ import annotations

import hashlib
import re

from podium.kit import ids

_UNAMBIGUOUS = re.compile(r"^[a-km-np-z2-9]+$")  # no l, o, 0, 1


def test_random_id_has_the_length_asked_and_only_unambiguous_characters() -> None:
    made = [ids.random_id(40) for _ in range(200)]

    assert {len(one) for one in made} == {40}
    assert [one for one in made if not _UNAMBIGUOUS.match(one)] == []


def test_public_ids_have_their_documented_lengths() -> None:
    assert (len(ids.session_id()), len(ids.presenter_id()), len(ids.object_id())) == (6, 24, 12)


def test_new_api_key_starts_with_its_prefix_and_the_prefix_reads_back() -> None:
    prefix, key = ids.new_api_key()

    assert key.startswith(f"pk_{prefix}_")
    assert len(prefix) == ids.API_KEY_PREFIX_LENGTH
    assert ids.api_key_prefix(key) == prefix


def test_new_api_keys_are_all_different() -> None:
    keys = {ids.new_api_key()[1] for _ in range(1000)}

    assert len(keys) == 1000


def test_api_key_prefix_is_none_for_strings_not_shaped_like_a_key() -> None:
    shapes = [
        "",
        "pk",
        "pk_abc",
        "pk_short_secret",
        "sk_abcdefgh_secret",
        "abcdefgh",
        "pk__x",
        "pk_abc\x00efgh_secret",
        "pk_ABCDEFGH_secret",
    ]

    assert [ids.api_key_prefix(shape) for shape in shapes] == [None] * len(shapes)


def test_api_key_prefix_keeps_underscores_in_the_secret_part() -> None:
    assert ids.api_key_prefix("pk_abcdefgh_se_cr_et") == "abcdefgh"


def test_hash_api_key_is_the_sha256_hex_digest() -> None:
    key = "pk_abcdefgh_secret"

    assert ids.hash_api_key(key) == hashlib.sha256(key.encode()).hexdigest()
    assert len(ids.hash_api_key(key)) == 64


def test_same_hash_compares_digests() -> None:
    digest = ids.hash_api_key("pk_abcdefgh_secret")

    assert ids.same_hash(digest, ids.hash_api_key("pk_abcdefgh_secret")) is True
    assert ids.same_hash(digest, ids.hash_api_key("pk_abcdefgh_secreT")) is False
