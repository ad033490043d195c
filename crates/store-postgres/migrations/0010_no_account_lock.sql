-- Accounts are no longer locked after failed sign-ins (a lock let anyone who knew a login keep
-- its owner out); guesses are held back per login and address in the server instead. The count
-- of failures since the last success stays, for administrators to see.
ALTER TABLE users DROP COLUMN locked_until_ms;
