-- Public keys that sign in to `clinic serve` (the built-in SSH server), one row per key
-- and account. A key belongs to one account: its SHA-256 fingerprint is unique.
CREATE TABLE ssh_keys (
    id           INT AUTO_INCREMENT PRIMARY KEY,
    account_kind ENUM('STAFF', 'DOCTOR', 'PATIENT') NOT NULL,
    account_id   INT          NOT NULL,
    fingerprint  VARCHAR(100) NOT NULL,
    public_key   TEXT         NOT NULL,
    comment      VARCHAR(200) NOT NULL DEFAULT '',
    created_at   TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_ssh_keys_fingerprint UNIQUE (fingerprint),
    INDEX ix_ssh_keys_account (account_kind, account_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
