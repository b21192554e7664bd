-- Smart Clinic relational schema.
-- Plain SQL accepted by MySQL 8.0.16+ and MariaDB 10.6+.
-- Conventions: DATETIME columns hold UTC instants; TIMESTAMP columns are set by the
-- server (sqlx pins the session time zone to +00:00). Status-like columns are VARCHAR
-- with CHECK constraints rather than ENUM: same constraint, but portable decoding.

CREATE TABLE clinic_locations (
    id              INT AUTO_INCREMENT PRIMARY KEY,
    name            VARCHAR(100) NOT NULL,
    address         TEXT         NOT NULL,
    phone_number    VARCHAR(20)  NULL,
    operating_hours VARCHAR(100) NULL,
    is_active       BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_locations_name UNIQUE (name),
    CONSTRAINT ck_locations_name CHECK (CHAR_LENGTH(name) > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE patients (
    id            INT AUTO_INCREMENT PRIMARY KEY,
    full_name     VARCHAR(100) NOT NULL,
    email         VARCHAR(150) NOT NULL,
    -- '!' marks a patient without portal access (no password can match it).
    password_hash VARCHAR(255) NOT NULL,
    phone_number  VARCHAR(20)  NULL,
    date_of_birth DATE         NULL,
    gender        CHAR(1)      NULL,
    is_active     BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    CONSTRAINT uq_patients_email UNIQUE (email),
    CONSTRAINT ck_patients_name CHECK (CHAR_LENGTH(full_name) > 0),
    CONSTRAINT ck_patients_gender CHECK (gender IS NULL OR gender IN ('M', 'F', 'O')),
    INDEX ix_patients_name (full_name),
    INDEX ix_patients_phone (phone_number)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE doctors (
    id             INT AUTO_INCREMENT PRIMARY KEY,
    full_name      VARCHAR(100) NOT NULL,
    email          VARCHAR(150) NOT NULL,
    password_hash  VARCHAR(255) NOT NULL,
    specialization VARCHAR(100) NOT NULL,
    phone_number   VARCHAR(20)  NULL,
    bio            TEXT         NULL,
    is_active      BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_doctors_email UNIQUE (email),
    CONSTRAINT ck_doctors_name CHECK (CHAR_LENGTH(full_name) > 0),
    CONSTRAINT ck_doctors_specialization CHECK (CHAR_LENGTH(specialization) > 0),
    INDEX ix_doctors_specialization (specialization)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE admins (
    id            INT AUTO_INCREMENT PRIMARY KEY,
    full_name     VARCHAR(100) NOT NULL,
    email         VARCHAR(150) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(50)  NOT NULL DEFAULT 'ADMIN',
    is_active     BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_admins_email UNIQUE (email),
    CONSTRAINT ck_admins_name CHECK (CHAR_LENGTH(full_name) > 0),
    CONSTRAINT ck_admins_role CHECK (role IN ('ADMIN', 'FRONT_DESK'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE appointments (
    id                INT AUTO_INCREMENT PRIMARY KEY,
    patient_id        INT          NOT NULL,
    doctor_id         INT          NOT NULL,
    location_id       INT          NULL,
    appointment_time  DATETIME     NOT NULL,
    duration_minutes  INT          NOT NULL DEFAULT 60,
    status            VARCHAR(16)  NOT NULL DEFAULT 'BOOKED',
    cancel_reason     VARCHAR(500) NULL,
    cancelled_by_kind VARCHAR(16)  NULL,
    cancelled_by_id   INT          NULL,
    cancelled_at      DATETIME     NULL,
    created_by_kind   VARCHAR(16)  NULL,
    created_by_id     INT          NULL,
    created_at        TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- The seed's unique (doctor, time) key, but only over rows that still hold the slot:
    -- NULL for cancelled rows, so a cancelled slot can be booked again.
    active_slot       DATETIME AS (CASE WHEN status <> 'CANCELLED' THEN appointment_time END) STORED,
    CONSTRAINT fk_appt_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
    CONSTRAINT fk_appt_doctor FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    CONSTRAINT fk_appt_location FOREIGN KEY (location_id) REFERENCES clinic_locations (id),
    CONSTRAINT uq_appt_doctor_slot UNIQUE (doctor_id, active_slot),
    CONSTRAINT ck_appt_status CHECK (status IN ('BOOKED', 'CANCELLED', 'COMPLETED', 'NO_SHOW')),
    -- Bounded durations keep overlap queries to a tight index range.
    CONSTRAINT ck_appt_duration CHECK (duration_minutes BETWEEN 5 AND 480),
    CONSTRAINT ck_appt_cancel CHECK (status <> 'CANCELLED' OR cancel_reason IS NOT NULL),
    INDEX ix_appt_doctor_time (doctor_id, appointment_time),
    INDEX ix_appt_patient_time (patient_id, appointment_time),
    INDEX ix_appt_time (appointment_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE appointment_status_history (
    id              BIGINT AUTO_INCREMENT PRIMARY KEY,
    appointment_id  INT          NOT NULL,
    from_status     VARCHAR(16)  NULL,
    to_status       VARCHAR(16)  NOT NULL,
    old_time        DATETIME     NULL,
    new_time        DATETIME     NULL,
    reason          VARCHAR(500) NULL,
    changed_by_kind VARCHAR(16)  NOT NULL,
    changed_by_id   INT          NULL,
    changed_at      DATETIME(3)  NOT NULL,
    CONSTRAINT fk_hist_appt FOREIGN KEY (appointment_id) REFERENCES appointments (id),
    CONSTRAINT ck_hist_to CHECK (to_status IN ('BOOKED', 'CANCELLED', 'COMPLETED', 'NO_SHOW')),
    INDEX ix_hist_appt (appointment_id, changed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE payments (
    id              INT AUTO_INCREMENT PRIMARY KEY,
    appointment_id  INT           NOT NULL,
    amount          DECIMAL(10,2) NOT NULL,
    payment_method  VARCHAR(50)   NOT NULL,
    payment_status  VARCHAR(16)   NOT NULL DEFAULT 'PENDING',
    transaction_id  VARCHAR(100)  NOT NULL,
    created_by_kind VARCHAR(16)   NULL,
    created_by_id   INT           NULL,
    created_at      TIMESTAMP     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      TIMESTAMP     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    CONSTRAINT fk_pay_appt FOREIGN KEY (appointment_id) REFERENCES appointments (id),
    CONSTRAINT uq_pay_txn UNIQUE (transaction_id),
    CONSTRAINT ck_pay_amount CHECK (amount > 0),
    CONSTRAINT ck_pay_method CHECK (payment_method IN ('CASH', 'CARD', 'INSURANCE', 'BANK_TRANSFER', 'OTHER')),
    CONSTRAINT ck_pay_status CHECK (payment_status IN ('PENDING', 'PAID', 'FAILED', 'REFUNDED')),
    INDEX ix_pay_appt (appointment_id),
    INDEX ix_pay_created (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE doctor_availability (
    id          INT AUTO_INCREMENT PRIMARY KEY,
    doctor_id   INT        NOT NULL,
    day_of_week VARCHAR(3) NOT NULL,
    start_time  TIME       NOT NULL,
    end_time    TIME       NOT NULL,
    location_id INT        NULL,
    CONSTRAINT fk_avail_doctor FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    CONSTRAINT fk_avail_location FOREIGN KEY (location_id) REFERENCES clinic_locations (id),
    CONSTRAINT ck_avail_day CHECK (day_of_week IN ('MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN')),
    CONSTRAINT ck_avail_times CHECK (start_time < end_time),
    INDEX ix_avail_doctor_day (doctor_id, day_of_week, start_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE doctor_time_off (
    id         INT AUTO_INCREMENT PRIMARY KEY,
    doctor_id  INT          NOT NULL,
    starts_at  DATETIME     NOT NULL,
    ends_at    DATETIME     NOT NULL,
    reason     VARCHAR(200) NOT NULL DEFAULT '',
    created_at TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_timeoff_doctor FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    CONSTRAINT ck_timeoff_range CHECK (starts_at < ends_at),
    INDEX ix_timeoff_doctor (doctor_id, starts_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Append-only: the application only ever INSERTs here (see README for the grants).
CREATE TABLE audit_log (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    occurred_at DATETIME(3)  NOT NULL,
    actor_kind  VARCHAR(16)  NOT NULL,
    actor_id    INT          NULL,
    actor_email VARCHAR(150) NULL,
    action      VARCHAR(64)  NOT NULL,
    entity      VARCHAR(32)  NOT NULL,
    entity_id   VARCHAR(64)  NULL,
    patient_id  INT          NULL,
    outcome     VARCHAR(16)  NOT NULL,
    detail      VARCHAR(500) NULL,
    CONSTRAINT ck_audit_outcome CHECK (outcome IN ('OK', 'DENIED', 'FAILED')),
    INDEX ix_audit_time (occurred_at),
    INDEX ix_audit_actor (actor_kind, actor_id, occurred_at),
    INDEX ix_audit_patient (patient_id, occurred_at),
    INDEX ix_audit_action (action, occurred_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Failed-login bookkeeping per (account kind, email), kept whether or not the account
-- exists so that the answer never tells which emails are registered.
CREATE TABLE login_throttle (
    account_kind   VARCHAR(16)  NOT NULL,
    email          VARCHAR(150) NOT NULL,
    failed_count   INT          NOT NULL DEFAULT 0,
    last_failed_at DATETIME     NULL,
    locked_until   DATETIME     NULL,
    PRIMARY KEY (account_kind, email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
