// The worker of an assets-only project, named and answering as wrangler's own
// (`deploy --dry-run --outdir` writes it). The asset server answers every
// request of such a project (a miss is its 404), so in dev it is never reached.
// Its object spans lines as wrangler's does, so esbuild prints the same bundle.
export default {
  fetch() {
    return new Response("Not found", {
      status: 404,
      headers: {
        "Content-Type": "text/html",
      },
    });
  },
};
