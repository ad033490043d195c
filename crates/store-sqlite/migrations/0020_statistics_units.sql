-- The statistics count referrals in the year they were sent and reflection periods in the year
-- they were offered (mnir.md §11): a year is a range of these indexes, not a scan of the tables.
CREATE INDEX referrals_sent ON referrals(sent_at_ms);
CREATE INDEX reflection_periods_offered ON reflection_periods(offered_at_ms);
