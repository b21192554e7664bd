-- Indexes the numbers at clinic-chain scale asked for (docs/PERFORMANCE.md):
-- patient search by name words, email prefix and phone digits without a table scan.

-- Phone digits without punctuation, forwards (prefix search, duplicate check) and
-- reversed (suffix search: the last digits someone reads out).
ALTER TABLE patients
    ADD COLUMN phone_digits VARCHAR(20) AS (
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(phone_number, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', '')
    ) STORED,
    ADD COLUMN phone_digits_rev VARCHAR(20) AS (
        REVERSE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(phone_number, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''))
    ) STORED;

CREATE INDEX ix_patients_phone_digits ON patients (phone_digits);
CREATE INDEX ix_patients_phone_digits_rev ON patients (phone_digits_rev);

-- Word-prefix search on names ("rib" finds "Ana Ribeiro").
CREATE FULLTEXT INDEX ft_patients_name ON patients (full_name);
