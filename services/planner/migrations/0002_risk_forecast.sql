-- The risk service's forecast of each proposal's plan (or why there is none), as the
-- proto's JSON mapping of PlanForecast; NULL on proposals made before the planner asked.
ALTER TABLE proposals ADD COLUMN risk_forecast jsonb;
