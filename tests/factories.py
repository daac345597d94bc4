"""Small factories for tests: explicit arguments, sensible defaults, no magic."""

import itertools

from sammachip.models import User
from villages.models import District, Subdistrict, Village

TEST_PASSWORD = "a-long-test-password-2567"
_counter = itertools.count(1)


def make_user(*, role="district", districts=(), username=None, **fields):
    username = username or f"user{next(_counter)}"
    user = User.objects.create_user(
        username=username,
        password=TEST_PASSWORD,
        role=role,
        is_staff=fields.pop("is_staff", True),
        **fields,
    )
    if districts:
        user.districts.set(District.objects.filter(code__in=districts))
    return user


def make_village(*, subdistrict="401207", moo=None, name_th=None):
    if not moo:  # the next free หมู่ (the counter runs on in each process, xdist or not)
        taken = set(
            Village.objects.filter(subdistrict_id=subdistrict).values_list("moo", flat=True)
        )
        moo = next(m for m in (next(_counter) % 90 + 1 for _ in range(91)) if m not in taken)
    return Village.objects.create(
        subdistrict=Subdistrict.objects.get(code=subdistrict),
        moo=moo,
        name_th=name_th or f"บ้านทดสอบ{moo}",
    )
