// A command line written as one types it: argv`exec --process ${file} c1`.
// The text splits into words at white space; a ${value} is part of the word
// it stands in and is never split, so a value with spaces (a shell script)
// stays one argument. Keeps tables of command lines one row a line.
export function argv(parts: TemplateStringsArray, ...values: unknown[]): string[] {
  const words: string[] = [];
  let word: string | undefined;
  parts.forEach((part, i) => {
    const pieces = part.split(/\s+/);
    pieces.forEach((p, j) => {
      if (j > 0 && word !== undefined) {
        words.push(word); // white space ended it
        word = undefined;
      }
      if (p !== "") word = (word ?? "") + p;
    });
    if (i < values.length) word = (word ?? "") + String(values[i]);
  });
  if (word !== undefined) words.push(word);
  return words;
}
