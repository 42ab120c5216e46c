package org.diffract.core.io;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.jhdf.AbstractWritableNode;
import io.jhdf.Constants;
import io.jhdf.ObjectHeader;
import io.jhdf.api.Attribute;
import io.jhdf.api.Group;
import io.jhdf.api.NodeType;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableNode;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.message.AttributeInfoMessage;
import io.jhdf.object.message.AttributeMessage;
import io.jhdf.object.message.DataLayoutMessage.ContiguousDataLayoutMessage;
import io.jhdf.object.message.DataSpace;
import io.jhdf.object.message.DataSpaceMessage;
import io.jhdf.object.message.DataTypeMessage;
import io.jhdf.object.message.FillValueMessage;
import io.jhdf.object.message.Message;
import io.jhdf.storage.HdfFileChannel;

/**
 * Nodes that jhdf 0.13 cannot write correctly by itself, for {@link H5Writer}.
 *
 * <p>jhdf writes a group's object header at the group's address without moving the file channel's position,
 * and after the whole tree appends its info string at that position. When the last object of the tree is a
 * group with no dataset below it (e.g. one holding only attributes), the position is still the end of the
 * previous dataset's data, which is that group's header: the info string overwrites it and h5py fails with
 * "bad object header version number". So every node we hand to jhdf moves the position to its own end once
 * written. jhdf accepts a node of our own only through {@code putDataset}, so it goes in behind a
 * {@link WritableDataset} proxy; the link it gets points at whatever header the node wrote.
 *
 * <p>jhdf also infers a dataset's type from its first element, so it cannot write an array with a zero
 * dimension (an empty spot table, say); {@link #empty} writes its header itself.
 */
final class JhdfNodes {
    private JhdfNodes() {}

    /** {@code node} as jhdf's parent groups take it, leaving the file position at the node's end. */
    static WritableDataset endingAtItsEnd(WritableNode node) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("write")
                    && args != null
                    && args.length == 2
                    && args[0] instanceof HdfFileChannel channel) {
                long end = node.write(channel, (Long) args[1]);
                channel.position(end);
                return end;
            }
            if (!method.getDeclaringClass().isInstance(node)) {
                throw new UnsupportedOperationException(method.getName() + " is not available on " + node.getPath());
            }
            try {
                return method.invoke(node, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (WritableDataset) Proxy.newProxyInstance(
                JhdfNodes.class.getClassLoader(), new Class<?>[] {WritableDataset.class}, handler);
    }

    /** A dataset of {@code array}'s element type and shape with no elements (some dimension is 0). */
    static WritableNode empty(Group parent, String name, Object array, int[] dims) {
        Class<?> type = array.getClass();
        while (type.isArray()) {
            type = type.getComponentType();
        }
        int[] ones = new int[dims.length];
        Arrays.fill(ones, 1);
        Object template = Array.newInstance(type, ones);
        DataSpace space = DataSpace.modifyDimensions(
                DataSpace.fromObject(template),
                Arrays.stream(dims).asLongStream().toArray());
        return new EmptyDataset(parent, name, DataType.fromObject(template), space);
    }

    private static final class EmptyDataset extends AbstractWritableNode {
        private final DataType type;
        private final DataSpace space;

        EmptyDataset(Group parent, String name, DataType type, DataSpace space) {
            super(parent, name);
            this.type = type;
            this.space = space;
        }

        @Override
        public long write(HdfFileChannel channel, long position) {
            List<Message> messages = new ArrayList<>(List.of(
                    DataTypeMessage.create(type),
                    DataSpaceMessage.create(space),
                    FillValueMessage.NO_FILL,
                    // no storage allocated, as the HDF5 library writes an empty contiguous dataset
                    ContiguousDataLayoutMessage.create(Constants.UNDEFINED_ADDRESS, 0)));
            if (!getAttributes().isEmpty()) {
                messages.add(AttributeInfoMessage.create());
                for (Map.Entry<String, Attribute> a : getAttributes().entrySet()) {
                    messages.add(AttributeMessage.create(a.getKey(), a.getValue()));
                }
            }
            ByteBuffer header = new ObjectHeader.ObjectHeaderV2(position, messages).toBuffer();
            channel.write(header, position);
            return position + header.limit();
        }

        @Override
        public NodeType getType() {
            return NodeType.DATASET;
        }

        @Override
        public boolean isGroup() {
            return false;
        }

        @Override
        public boolean isLink() {
            return false;
        }

        @Override
        public boolean isAttributeCreationOrderTracked() {
            return false;
        }

        @Override
        public long getAddress() {
            return 0;
        }
    }
}
