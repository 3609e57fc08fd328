-- IM webhooks: what a webhook posts to (its body, signing and reply), the language of its
-- messages, and what an IM platform answered when it refused one.
ALTER TABLE webhooks ADD COLUMN kind text NOT NULL DEFAULT 'generic';
ALTER TABLE webhooks ADD COLUMN language text NOT NULL DEFAULT '';
ALTER TABLE delivery_attempts ADD COLUMN platform_code bigint NOT NULL DEFAULT 0;
ALTER TABLE delivery_attempts ADD COLUMN platform_message text NOT NULL DEFAULT '';
