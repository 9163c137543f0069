// @ts-check
// RFC 4180 CSV: fields in double quotes may hold commas, newlines and doubled quotes; CRLF or LF
// line ends; a UTF-8 byte-order mark is dropped. Errors name the line and never quote the text
// (an export is full of passwords).

/** @param {string} text @returns {string[][]} */
export function parseCsv(text) {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  /** @type {string[][]} */
  const rows = [];
  /** @type {string[]} */
  let row = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let startedQuoteLine = 0;
  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (quoted) {
      if (char === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          const next = input[i + 1];
          if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
            throw new Error(`CSV line ${line}: text after a closing quote`);
          }
        }
      } else {
        if (char === "\n") line++;
        field += char;
      }
      continue;
    }
    if (char === '"') {
      if (field !== "") throw new Error(`CSV line ${line}: a quote inside an unquoted field`);
      quoted = true;
      startedQuoteLine = line;
    } else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && input[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      line++;
    } else {
      field += char;
    }
  }
  if (quoted) throw new Error(`CSV line ${startedQuoteLine}: a quoted field never ends`);
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  // Blank lines carry nothing.
  return rows.filter((cells) => cells.length > 1 || cells[0] !== "");
}
