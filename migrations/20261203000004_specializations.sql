-- Specializations are a list, not free text: `cardiology` and `Cardiology ` are one.
-- A name is normalised (white space trimmed and collapsed to one space, the first letter
-- upper case; the rest as typed) and unique ignoring case (the table's collation), and a
-- doctor's specialization is always one of the list, spelled as the list spells it.
CREATE TABLE specializations (
    id         INT AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(100) NOT NULL,
    created_at TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_specializations_name UNIQUE (name),
    CONSTRAINT ck_specializations_name CHECK (CHAR_LENGTH(name) > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The doctors' texts, normalised.
UPDATE doctors
   SET specialization = TRIM(REGEXP_REPLACE(specialization, '[[:space:]]+', ' '));
UPDATE doctors
   SET specialization = CONCAT(UPPER(LEFT(specialization, 1)), SUBSTRING(specialization, 2));

-- One entry per name ignoring case: the spelling of the first doctor who had it.
INSERT INTO specializations (name)
SELECT d.specialization FROM doctors d
 WHERE NOT EXISTS (SELECT 1 FROM doctors e WHERE e.specialization = d.specialization AND e.id < d.id)
 ORDER BY d.id;

-- Every doctor spelled as the list spells it.
UPDATE doctors d JOIN specializations s ON s.name = d.specialization
   SET d.specialization = s.name;

ALTER TABLE doctors ADD CONSTRAINT fk_doctors_specialization
    FOREIGN KEY (specialization) REFERENCES specializations (name);

-- Whatever writes a doctor (the services, the seed, a script), the name is normalised and
-- taken from the list, and a name the list lacks is added to it. The services normalise
-- the same way first (domain::specialization::normalise); this keeps the rule for every
-- other writer too.
CREATE TRIGGER doctors_specialization_insert BEFORE INSERT ON doctors FOR EACH ROW
BEGIN
    SET NEW.specialization = TRIM(REGEXP_REPLACE(NEW.specialization, '[[:space:]]+', ' '));
    SET NEW.specialization = CONCAT(UPPER(LEFT(NEW.specialization, 1)), SUBSTRING(NEW.specialization, 2));
    IF CHAR_LENGTH(NEW.specialization) > 0 THEN
        INSERT INTO specializations (name)
        SELECT NEW.specialization FROM DUAL
         WHERE NOT EXISTS (SELECT 1 FROM specializations WHERE name = NEW.specialization);
        SET NEW.specialization = (SELECT name FROM specializations WHERE name = NEW.specialization);
    END IF;
END;

CREATE TRIGGER doctors_specialization_update BEFORE UPDATE ON doctors FOR EACH ROW
BEGIN
    SET NEW.specialization = TRIM(REGEXP_REPLACE(NEW.specialization, '[[:space:]]+', ' '));
    SET NEW.specialization = CONCAT(UPPER(LEFT(NEW.specialization, 1)), SUBSTRING(NEW.specialization, 2));
    IF CHAR_LENGTH(NEW.specialization) > 0 THEN
        INSERT INTO specializations (name)
        SELECT NEW.specialization FROM DUAL
         WHERE NOT EXISTS (SELECT 1 FROM specializations WHERE name = NEW.specialization);
        SET NEW.specialization = (SELECT name FROM specializations WHERE name = NEW.specialization);
    END IF;
END;
