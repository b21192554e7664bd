-- A doctor's consultation fee (NULL: none set, so no payment is questioned), and why,
-- when and by whom a payment was refunded.
ALTER TABLE doctors ADD COLUMN consultation_fee DECIMAL(10,2) NULL;
ALTER TABLE doctors ADD CONSTRAINT ck_doctors_fee CHECK (consultation_fee IS NULL OR consultation_fee > 0);

ALTER TABLE payments
    ADD COLUMN refund_reason    VARCHAR(500) NULL,
    ADD COLUMN refunded_at      DATETIME     NULL,
    ADD COLUMN refunded_by_kind VARCHAR(16)  NULL,
    ADD COLUMN refunded_by_id   INT          NULL;
