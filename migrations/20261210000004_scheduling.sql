-- Scheduling depth (issue 15): recurring series, dated extra hours, the waitlist.

-- A recurring series: the same local time every `every_weeks` weeks, `occurrences`
-- times as asked (dates that could not be booked when skipping conflicts are simply
-- not there). Its appointments point at it through `appointments.series_id`.
CREATE TABLE appointment_series (
    id              INT AUTO_INCREMENT PRIMARY KEY,
    patient_id      INT         NOT NULL,
    doctor_id       INT         NOT NULL,
    every_weeks     INT         NOT NULL,
    occurrences     INT         NOT NULL,
    created_by_kind VARCHAR(16) NULL,
    created_by_id   INT         NULL,
    created_at      TIMESTAMP   NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_series_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
    CONSTRAINT fk_series_doctor FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    CONSTRAINT ck_series_every CHECK (every_weeks BETWEEN 1 AND 26),
    CONSTRAINT ck_series_count CHECK (occurrences BETWEEN 1 AND 52)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

ALTER TABLE appointments
    ADD COLUMN series_id INT NULL,
    ADD CONSTRAINT fk_appt_series FOREIGN KEY (series_id) REFERENCES appointment_series (id),
    ADD INDEX ix_appt_series (series_id, appointment_time);

-- Hours a doctor opens on one local date outside the weekly windows (local wall-clock
-- times, like doctor_availability). The weekly windows are not touched.
CREATE TABLE doctor_extra_hours (
    id          INT AUTO_INCREMENT PRIMARY KEY,
    doctor_id   INT       NOT NULL,
    on_date     DATE      NOT NULL,
    start_time  TIME      NOT NULL,
    end_time    TIME      NOT NULL,
    location_id INT       NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_extra_doctor FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    CONSTRAINT fk_extra_location FOREIGN KEY (location_id) REFERENCES clinic_locations (id),
    CONSTRAINT ck_extra_times CHECK (start_time < end_time),
    INDEX ix_extra_doctor_date (doctor_id, on_date, start_time, end_time, location_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A patient waiting for a doctor (doctor_id) or any doctor of a specialization, on
-- local dates from_date..to_date, optionally mornings or afternoons only. OFFERED rows
-- carry the freed slot offered to them (the doctor, the start; the length is
-- duration_minutes). Rows are kept when closed (BOOKED, CANCELLED, EXPIRED).
CREATE TABLE waitlist_entries (
    id                  INT AUTO_INCREMENT PRIMARY KEY,
    patient_id          INT          NOT NULL,
    doctor_id           INT          NULL,
    specialization      VARCHAR(100) NULL,
    from_date           DATE         NOT NULL,
    to_date             DATE         NOT NULL,
    part_of_day         VARCHAR(16)  NULL,
    duration_minutes    INT          NOT NULL,
    status              VARCHAR(16)  NOT NULL DEFAULT 'WAITING',
    offered_doctor_id   INT          NULL,
    offered_start       DATETIME     NULL,
    offered_location_id INT          NULL,
    offered_at          DATETIME     NULL,
    appointment_id      INT          NULL,
    created_by_kind     VARCHAR(16)  NULL,
    created_by_id       INT          NULL,
    created_at          DATETIME(3)  NOT NULL,
    closed_at           DATETIME     NULL,
    CONSTRAINT fk_wait_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
    CONSTRAINT fk_wait_doctor FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    CONSTRAINT fk_wait_offered_doctor FOREIGN KEY (offered_doctor_id) REFERENCES doctors (id),
    CONSTRAINT fk_wait_offered_location FOREIGN KEY (offered_location_id) REFERENCES clinic_locations (id),
    CONSTRAINT fk_wait_appointment FOREIGN KEY (appointment_id) REFERENCES appointments (id),
    CONSTRAINT ck_wait_whom CHECK ((doctor_id IS NULL) <> (specialization IS NULL)),
    CONSTRAINT ck_wait_range CHECK (from_date <= to_date),
    CONSTRAINT ck_wait_part CHECK (part_of_day IS NULL OR part_of_day IN ('MORNING', 'AFTERNOON')),
    CONSTRAINT ck_wait_duration CHECK (duration_minutes BETWEEN 5 AND 480),
    CONSTRAINT ck_wait_status CHECK (status IN ('WAITING', 'OFFERED', 'BOOKED', 'CANCELLED', 'EXPIRED')),
    CONSTRAINT ck_wait_offer CHECK (status <> 'OFFERED' OR (offered_doctor_id IS NOT NULL AND offered_start IS NOT NULL)),
    INDEX ix_wait_open (status, to_date),
    INDEX ix_wait_doctor (doctor_id, status, created_at),
    INDEX ix_wait_specialization (specialization, status, created_at),
    INDEX ix_wait_patient (patient_id, status),
    INDEX ix_wait_offered (offered_doctor_id, status, offered_start)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
