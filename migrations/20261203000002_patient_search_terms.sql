-- Patient search by any part of a name, an email or the phone digits (issue 13): every
-- patient's trigrams (three consecutive characters, lower-cased) per field, 'n' name,
-- 'e' email, 'p' phone digits. A search looks up the trigrams of what was typed, joins
-- them on the patient and checks the candidates with LIKE, so `owals` finds Kowalski
-- by index at 100,000 patients (docs/PERFORMANCE.md).
--
-- Kept by the triggers below, inside the statement (and so the transaction) that
-- inserts or changes a patient, whoever writes the row: a patient registered a moment
-- ago is found at once. Patients that exist already are indexed at the end of this
-- migration (backfill).
CREATE TABLE patient_search_terms (
    field      CHAR(1) CHARACTER SET ascii NOT NULL,
    gram       VARCHAR(3) NOT NULL,
    patient_id INT NOT NULL,
    PRIMARY KEY (field, gram, patient_id),
    INDEX ix_patient_search_terms_patient (patient_id),
    CONSTRAINT fk_patient_search_terms_patient FOREIGN KEY (patient_id)
        REFERENCES patients (id) ON DELETE CASCADE,
    CONSTRAINT ck_patient_search_terms_field CHECK (field IN ('n', 'e', 'p'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Search by date of birth.
CREATE INDEX ix_patients_date_of_birth ON patients (date_of_birth);

CREATE TRIGGER patient_search_terms_insert AFTER INSERT ON patients FOR EACH ROW
    INSERT IGNORE INTO patient_search_terms (field, gram, patient_id)
    WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
    SELECT 'n', SUBSTRING(LOWER(NEW.full_name), i, 3), NEW.id FROM n
        WHERE i <= CHAR_LENGTH(NEW.full_name) - 2
    UNION ALL SELECT 'e', SUBSTRING(LOWER(NEW.email), i, 3), NEW.id FROM n
        WHERE i <= CHAR_LENGTH(NEW.email) - 2
    UNION ALL SELECT 'p', SUBSTRING(NEW.phone_digits, i, 3), NEW.id FROM n
        WHERE i <= CHAR_LENGTH(NEW.phone_digits) - 2;

-- A change of name, email or phone replaces the patient's trigrams: the first trigger
-- removes them, the second (which follows it) writes the new ones.
CREATE TRIGGER patient_search_terms_update_clear AFTER UPDATE ON patients FOR EACH ROW
    DELETE FROM patient_search_terms
    WHERE patient_id = NEW.id
      AND NOT (NEW.full_name <=> OLD.full_name AND NEW.email <=> OLD.email
               AND NEW.phone_digits <=> OLD.phone_digits);

CREATE TRIGGER patient_search_terms_update_fill AFTER UPDATE ON patients FOR EACH ROW
    FOLLOWS patient_search_terms_update_clear
    INSERT IGNORE INTO patient_search_terms (field, gram, patient_id)
    WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
    SELECT 'n', SUBSTRING(LOWER(NEW.full_name), i, 3), NEW.id FROM n
        WHERE i <= CHAR_LENGTH(NEW.full_name) - 2
          AND NOT (NEW.full_name <=> OLD.full_name AND NEW.email <=> OLD.email
                   AND NEW.phone_digits <=> OLD.phone_digits)
    UNION ALL SELECT 'e', SUBSTRING(LOWER(NEW.email), i, 3), NEW.id FROM n
        WHERE i <= CHAR_LENGTH(NEW.email) - 2
          AND NOT (NEW.full_name <=> OLD.full_name AND NEW.email <=> OLD.email
                   AND NEW.phone_digits <=> OLD.phone_digits)
    UNION ALL SELECT 'p', SUBSTRING(NEW.phone_digits, i, 3), NEW.id FROM n
        WHERE i <= CHAR_LENGTH(NEW.phone_digits) - 2
          AND NOT (NEW.full_name <=> OLD.full_name AND NEW.email <=> OLD.email
                   AND NEW.phone_digits <=> OLD.phone_digits);

-- Backfill: the patients registered before this migration.
INSERT IGNORE INTO patient_search_terms (field, gram, patient_id)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
SELECT 'n', SUBSTRING(LOWER(p.full_name), n.i, 3), p.id FROM patients p
    JOIN n ON n.i <= CHAR_LENGTH(p.full_name) - 2
UNION ALL SELECT 'e', SUBSTRING(LOWER(p.email), n.i, 3), p.id FROM patients p
    JOIN n ON n.i <= CHAR_LENGTH(p.email) - 2
UNION ALL SELECT 'p', SUBSTRING(p.phone_digits, n.i, 3), p.id FROM patients p
    JOIN n ON n.i <= CHAR_LENGTH(p.phone_digits) - 2;
