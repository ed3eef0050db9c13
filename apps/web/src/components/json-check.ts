/** JSON records must parse; the error names the position so the user can fix it. */
export function checkJson(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return error instanceof SyntaxError ? `Not valid JSON: ${error.message}` : 'Not valid JSON.';
  }
}
