-- Why each item was read as one and why it has its owner (#12). Items stored before this
-- migration have no explanation: empty, not made up afterwards.
ALTER TABLE action_items
    ADD COLUMN explanation_item  text[] NOT NULL DEFAULT '{}',
    ADD COLUMN explanation_owner text   NOT NULL DEFAULT '';
