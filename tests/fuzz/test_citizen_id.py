"""Citizen IDs: whatever is typed or imported, the validator answers a valid 13-digit number or
a Thai ValidationError, and agrees with the checksum rule written out independently here."""

import string

from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from sammachip import citizen_id

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
anything = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789 -.\t" + THAI_DIGITS + "\u00a0x", max_size=30),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.binary().map(lambda b: b.decode("latin-1")),
)
first_twelve = st.tuples(
    st.sampled_from("12345678"), st.text(alphabet=string.digits, min_size=11, max_size=11)
).map("".join)


def checksum_ok(number):
    """The rule from the Department of Provincial Administration, written out independently."""
    if len(number) != 13 or not number.isdigit() or number[0] in "09":
        return False
    weights = range(13, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(number[:12], weights, strict=True))
    return (11 - total % 11) % 10 == int(number[12])


@given(anything)
def test_validate_answers_a_valid_number_or_a_thai_error(value):
    try:
        number = citizen_id.validate(value)
    except ValidationError as error:
        assert error.code == "invalid_citizen_id"
        assert "เลขประจำตัวประชาชน" in error.messages[0]
        assert not citizen_id.is_valid(value)
        return
    assert len(number) == 13
    assert number.isdigit()
    assert checksum_ok(number)
    assert citizen_id.is_valid(value)


@given(st.text(alphabet=string.digits, min_size=13, max_size=13))
def test_validator_agrees_with_the_checksum_rule(number):
    assert citizen_id.is_valid(number) == checksum_ok(number)


@given(
    first_twelve,
    st.lists(st.sampled_from(["", "-", " ", "\u00a0"]), min_size=13, max_size=13),
    st.booleans(),
)
def test_a_valid_number_is_accepted_however_it_is_typed(first12, separators, thai):
    number = citizen_id.with_check_digit(first12)
    typed = "".join(sep + digit for sep, digit in zip(separators, number, strict=True))
    if thai:
        typed = typed.translate(str.maketrans("0123456789", THAI_DIGITS))
    assert citizen_id.validate(typed) == number
    assert citizen_id.keyed_hash(typed) == citizen_id.keyed_hash(number)
    assert citizen_id.format_full(typed).replace("-", "") == number


@given(first_twelve)
def test_mask_hides_the_middle_and_encryption_round_trips(first12):
    number = citizen_id.with_check_digit(first12)
    masked = citizen_id.mask(number)
    assert masked == f"{number[0]}-{number[1:5]}-xxxxx-xx-{number[12]}"
    assert number[5:12] not in masked
    token = citizen_id.encrypt(number)
    assert number not in token
    assert citizen_id.decrypt(token) == number


@given(anything)
def test_mask_never_fails_nor_shows_a_whole_number(value):
    masked = citizen_id.mask(value)
    digits = citizen_id.normalize(value)
    if len(digits) >= 6 and digits.isdigit():
        assert digits not in masked
