-- Indexes the free-slot read asked for (docs/PERFORMANCE.md, "Free slots against the
-- database"): a doctor's weekly windows, time off that has not ended, and non-cancelled
-- appointments in a time range come straight from an index. `active_slot` is the
-- appointment time of a non-cancelled row and NULL for a cancelled one.
CREATE INDEX ix_appt_doctor_busy ON appointments (doctor_id, active_slot, duration_minutes);
CREATE INDEX ix_avail_doctor_window
    ON doctor_availability (doctor_id, day_of_week, start_time, end_time, location_id);
CREATE INDEX ix_timeoff_doctor_end ON doctor_time_off (doctor_id, ends_at);
