// The loan book's migration (loan_book.h), kept apart from schema.cc's list.
#include "storage/schema.h"

namespace subsidy::storage {

Migration LoanBookMigration() {
  return {"the loan book: each claim line keeps the loan as sent; portfolio imports",
          {SchemaStep::Sql(R"sql(
          ALTER TABLE loan_claim_lines ADD COLUMN input {{bytes}};
          CREATE TABLE loan_portfolio_imports (
            seq         {{id}},
            request_id  TEXT NOT NULL UNIQUE,
            bank_id     TEXT NOT NULL,
            as_of       TEXT NOT NULL,
            loan_count  BIGINT NOT NULL CHECK (loan_count >= 0),
            imported_by TEXT NOT NULL,
            created_at  TEXT NOT NULL);
          CREATE INDEX loan_portfolio_imports_bank ON loan_portfolio_imports (bank_id, as_of);
          CREATE TABLE loan_portfolio_lines (
            import_seq BIGINT NOT NULL REFERENCES loan_portfolio_imports (seq),
            line_no    BIGINT NOT NULL CHECK (line_no > 0),
            loan_key   TEXT NOT NULL,
            input      {{bytes}} NOT NULL,
            PRIMARY KEY (import_seq, line_no));
        )sql"),
           SchemaStep::Trigger({"loan_portfolio_imports_frozen", "loan_portfolio_imports", "UPDATE", "",
                                "a portfolio import never changes"}),
           SchemaStep::Trigger({"loan_portfolio_imports_no_delete", "loan_portfolio_imports", "DELETE", "",
                                "a portfolio import is never deleted"}),
           SchemaStep::Trigger({"loan_portfolio_lines_frozen", "loan_portfolio_lines", "UPDATE", "",
                                "a portfolio line never changes"}),
           SchemaStep::Trigger({"loan_portfolio_lines_no_delete", "loan_portfolio_lines", "DELETE", "",
                                "a portfolio line is never deleted"})}};
}

}  // namespace subsidy::storage
