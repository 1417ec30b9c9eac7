// scripts/build.mjs loads .css imports as text.
declare module '*.css' {
  const text: string;
  export default text;
}
