/** Driver finances are exported only by callers with this role (admins have every role). */
export const FINANCE_ROLE = 'finance';
