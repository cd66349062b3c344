/** A count as messages show it to people: "10,000", not "10000" (the Export Center writes counts the same way). */
export const formatCount = (n: number): string => n.toLocaleString('en-US');
