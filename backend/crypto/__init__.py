"""商用密码: SM2/SM3/SM4 and Ed25519 (gm.py), keys kept outside the database (keys.py),
encrypted fields with blind indexes (fields.py) and the PBKDF2-HMAC-SM3 password hasher."""
