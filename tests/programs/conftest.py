"""The programme fixtures (``programme``, ``phon_client``, ``province_client``) live in
tests/conftest.py, shared with the security tests."""
