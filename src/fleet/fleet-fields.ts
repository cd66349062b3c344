/** Driver, medallion and vehicle: the references every fleet record carries, as columns and filters. */
export const FLEET_KEYS = ['driver_id', 'medallion_no', 'vin'] as const;
