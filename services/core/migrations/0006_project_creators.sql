-- Who may create projects besides admins (#13): a right of the person's record, so a person
-- created later with the same id does not inherit it.
ALTER TABLE people ADD COLUMN project_creator boolean NOT NULL DEFAULT false;
