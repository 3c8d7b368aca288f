/** Every container's image is a well-formed reference (image.ts): `<your-private-image>` is refused here, not at pull. */
import { imageReferenceProblem } from '../image';
import { containersOf, problemAt, type Rule } from '../located';

export const imagesWellFormed: Rule = (m) =>
  m.pods.flatMap((site) =>
    containersOf(site).flatMap(({ container, path }) => {
      const why = imageReferenceProblem(container.image);
      return why ? [problemAt(site.doc, [...path, 'image'], 'error', 'image.invalid', `invalid value ${JSON.stringify(container.image)}: ${why}`)] : [];
    }),
  );
