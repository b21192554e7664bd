-- Patient notifications by email (appointment reminders, cancellation and reschedule
-- notices). One row per (appointment, kind, start time): the unique key is what makes
-- `clinic reminders send` send each message exactly once, however often cron runs it.
-- A run claims a row (CLAIMED, claim_token, claimed_at) before it sends, and marks it
-- SENT after; a claim older than the lease is taken over by a later run (a crashed run).
CREATE TABLE notifications (
    id             BIGINT AUTO_INCREMENT PRIMARY KEY,
    appointment_id INT          NOT NULL,
    kind           VARCHAR(16)  NOT NULL,
    -- The appointment start the message is about (the new start for a reschedule).
    starts_at      DATETIME     NOT NULL,
    -- For a reschedule: the start it was moved from.
    old_starts_at  DATETIME     NULL,
    status         VARCHAR(16)  NOT NULL DEFAULT 'PENDING',
    attempts       INT          NOT NULL DEFAULT 0,
    claim_token    VARCHAR(40)  NULL,
    claimed_at     DATETIME(3)  NULL,
    sent_at        DATETIME(3)  NULL,
    recipient      VARCHAR(150) NULL,
    last_error     VARCHAR(500) NULL,
    created_at     DATETIME(3)  NOT NULL,
    CONSTRAINT fk_notif_appt FOREIGN KEY (appointment_id) REFERENCES appointments (id),
    CONSTRAINT uq_notif_once UNIQUE (appointment_id, kind, starts_at),
    CONSTRAINT ck_notif_kind CHECK (kind IN ('REMINDER', 'CANCELLED', 'RESCHEDULED')),
    CONSTRAINT ck_notif_status CHECK (status IN ('PENDING', 'CLAIMED', 'SENT', 'SKIPPED', 'FAILED')),
    INDEX ix_notif_status (status, id),
    INDEX ix_notif_claim (claim_token)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
