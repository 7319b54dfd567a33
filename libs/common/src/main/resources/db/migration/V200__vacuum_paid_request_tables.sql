-- Every paid request inserts a reservation and updates it once or twice (heartbeat, settlement). None of those updates
-- is HOT: heartbeat_at is indexed and status decides the partial index reservations_active. So each one leaves a dead
-- version in the heap and in every index of the table until a vacuum removes it, and every index scan reads past them.
-- By default autovacuum waits for 20 % of the table to be dead: on a table that only grows, the wait grows with it (a
-- bench run left 39,872 dead reservations and no vacuum). A fixed threshold keeps the dead part small at any size.
-- The accounts table is small and its rows are updated on every reservation and settlement (HOT updates, pruned in
-- place), billing_processed_events is updated once after its insert: both get the same fixed threshold.
ALTER TABLE reservations SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
                              autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 20000);
ALTER TABLE billing_processed_events SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
                                          autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 20000);
ALTER TABLE accounts SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);
