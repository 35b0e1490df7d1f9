// The worker of an assets-only project. The asset server answers every
// request of such a project (a miss is its 404), so this is never reached.
export default {
  fetch() {
    return new Response(null, { status: 404 });
  },
};
