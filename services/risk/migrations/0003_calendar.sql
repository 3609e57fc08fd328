-- The project's working calendar (core's Calendar message as JSON, the proto's field names):
-- plans, elapsed time, delays and finish dates count its working days.
ALTER TABLE projects ADD COLUMN calendar jsonb NOT NULL DEFAULT '{}';
