-- A person's keys are bound to the person's uid, not to their id: a person created later
-- with a deleted person's id gets none of the old keys. Service keys carry scopes instead
-- of the admin flag (see ServiceScope in api_key.proto).

ALTER TABLE people ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE;

ALTER TABLE api_keys ADD COLUMN person_uid uuid;
ALTER TABLE api_keys ADD COLUMN scopes text[] NOT NULL DEFAULT '{}';
CREATE INDEX api_keys_person_uid ON api_keys (person_uid) WHERE person_uid IS NOT NULL;

UPDATE api_keys k SET person_uid = p.uid FROM people p WHERE k.principal = 'people/' || p.id;
-- Keys of people deleted before this migration: nobody owns them any more.
UPDATE api_keys SET revoke_time = now()
    WHERE principal LIKE 'people/%' AND person_uid IS NULL AND revoke_time IS NULL;
