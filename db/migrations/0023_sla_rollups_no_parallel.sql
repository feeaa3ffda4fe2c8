-- Custom SQL migration file, put your code below! ---- The SLA report's day rows are read by a group's or an organization's filter (up to ~58k rows of
-- 12 weeks for one group at 1M tickets): the planner chose a Parallel Bitmap Heap Scan under
-- Gather Merge, 123–136 ms on this busy 2-core machine against 78–85 ms without workers. A
-- dashboard request should not take both cores: no parallel scans of these two tables.
ALTER TABLE "sla_daily_rollups" SET (parallel_workers = 0);--> statement-breakpoint
ALTER TABLE "sla_elapsed_rollups" SET (parallel_workers = 0);
