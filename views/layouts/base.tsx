/** @jsxImportSource @kitajs/html */
/** The full-page layout; partial (htmx) responses skip it. Everything it links is served from the binary. */
import type { Children } from "@kitajs/html";

export function Layout(props: { title: string; children: Children }): JSX.Element {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title safe>{props.title}</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <header class="topbar">
          <a href="/" class="brand">Konstruct</a>
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}
