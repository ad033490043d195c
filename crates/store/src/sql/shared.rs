//! What every area's SQL uses: the transaction and row types of the backend, the mapping of
//! database errors, and decryption of an optional column.

#[doc(hidden)]
#[macro_export]
macro_rules! impl_sql_shared {
    ($store:ty, $db:ty) => {
        type Tx = ::sqlx::Transaction<'static, $db>;
        type DbRow = <$db as ::sqlx::Database>::Row;

        fn db_err(e: ::sqlx::Error) -> StoreError {
            if let Some(db) = e.as_database_error() {
                match db.kind() {
                    ::sqlx::error::ErrorKind::UniqueViolation => {
                        return StoreError::Conflict(db.message().to_string());
                    }
                    ::sqlx::error::ErrorKind::ForeignKeyViolation => {
                        return StoreError::InvalidReference(db.message().to_string());
                    }
                    _ => {}
                }
            }
            StoreError::Database(e.to_string())
        }

        impl $store {
            fn decrypt_opt(
                &self,
                table: &str,
                column: &str,
                row_id: &str,
                stored: Option<Vec<u8>>,
            ) -> Result<Option<String>, StoreError> {
                stored
                    .map(|bytes| {
                        self.keys
                            .decrypt_str(table, column, row_id, &bytes)
                            .map_err(|e| StoreError::Corrupt(format!("{table}.{column}: {e}")))
                    })
                    .transpose()
            }
        }
    };
}
