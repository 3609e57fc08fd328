-- How a proposal was made to a chosen chance of meeting the deadline (the plans tried, the one
-- kept, the remedies), as the proto's JSON mapping of ConfidencePlan; NULL when none was asked.
ALTER TABLE proposals ADD COLUMN confidence jsonb;
